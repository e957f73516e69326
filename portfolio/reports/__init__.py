"""Files written for people: spreadsheets (CSV and Excel) and, later, board reports. No Streamlit here."""
