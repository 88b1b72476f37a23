"""The Streamlit interface (`streamlit run ui/app.py`): the page, its PDF view and its review
controls. Only the UI imports this package; the library (`analyser`) never does."""
