"""The launch decision: category owners and sign-offs, the Go/No-Go call, the recorded
decision and the deploy gate."""
