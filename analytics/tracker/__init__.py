"""The prompt tracker: importing its JSON logs and exporting its curated training set."""
