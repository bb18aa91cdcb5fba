"""The dashboard's page: layout pieces, figure builders and the Dash callbacks."""
