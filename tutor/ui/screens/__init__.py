"""The app's screens: the conversation with its run panel, the runs view, and help."""
