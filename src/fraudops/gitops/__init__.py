"""GitOps: promotion as a pure edit of deploy/, the champion/challenger gate, the model card."""
