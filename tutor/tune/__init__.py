"""Hyperparameter tuning: search specs (space), the searches (sweep; shared by processes through an Optuna
study: study), Optuna's side of one trial (trials), the learning-rate range test (lrfind), and what they found
(results) as a terminal shows it (report, plot)."""
