"""The physics of the estate, one behaviour per module; ``engine.world`` runs them each tick."""
