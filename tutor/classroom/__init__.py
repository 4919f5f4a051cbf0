"""The classroom: `tutor serve` over SSH, its roster, the class-wide training queue and the teacher's view."""
