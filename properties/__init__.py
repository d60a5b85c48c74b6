"""The checks run on a protocol (ownership, deadlines, structure, text, statute), each returning findings."""
