"""The Streamlit web app (`kubeatlas web`): the only place streamlit is imported."""
