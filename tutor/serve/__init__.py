"""`tutor serve`: the SSH shell of the classroom — the server, one forked process per session, the warm-up."""
