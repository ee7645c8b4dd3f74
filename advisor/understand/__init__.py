"""Question understanding: normalise what was typed, split it into asks, decide coverage."""
