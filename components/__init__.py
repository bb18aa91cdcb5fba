"""The dashboard's page: layout pieces, the builders of its bars and pictures,
and the Dash callbacks."""
