"""Resource levelling: resource-constrained scheduling heuristics and (optionally) CP-SAT."""
