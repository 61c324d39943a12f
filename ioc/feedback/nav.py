"""Menu entries of the feedback module (registered once its pages exist)."""
