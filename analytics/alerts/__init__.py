"""Alert rules over the prompt and enhancement figures, their evaluation, open alerts and webhooks."""
