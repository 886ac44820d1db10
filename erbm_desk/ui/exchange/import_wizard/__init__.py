"""The import wizard of people's own workbooks (services/exchange/mapping), step by step."""
