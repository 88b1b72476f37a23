from analyser.cli import run

run()
