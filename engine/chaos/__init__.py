"""Chaos experiments: faults injected on purpose, the way Chaos Mesh and Gremlin users do.

``effects`` is the state the physics reads (what the running faults do to nodes and call
edges); ``kinds`` says, fault by fault, what that is; ``controller`` starts, schedules, lists
and stops experiments and keeps the record of what was injected (ground truth for grading
only: nothing that judges reads it).
"""
