"""The class: its roster, the teacher's exercise and board, the class-wide training queue, the login throttle."""
