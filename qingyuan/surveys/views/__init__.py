"""Staff pages of the satisfaction surveys: rounds (rounds.py), the frame (frame.py), paper batches (paper.py)
and results (results.py)."""
