"""Converters of the parents' public checkpoints (SyncDreamer, Morphable Diffusion) into MultiViewDiffusion:
`keys` (the strict key map), `checkpoints` (reading the user's files), `parents` (configs, rigs, manifest
additions), `pack` (checkpoint → pack), `official_env` (importing the official code for fixtures and
comparisons only)."""
