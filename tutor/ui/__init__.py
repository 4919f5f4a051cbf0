"""The Textual app: a guided conversation, a live run panel and a runs view over `tutor.dialogue.Tutor`."""
