"""AI Pilot Portfolio: the domain package. Runs without Streamlit."""
