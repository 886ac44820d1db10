"""Building blocks any ui feature folder may use (dialog helpers, what the window remembers); imports none of them."""
