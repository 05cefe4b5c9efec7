"""Candidate generation: which video pairs are worth scoring."""

from vidfp.index.candidates import Candidate, CandidateGenerator, FaissKnnCandidates

__all__ = ["Candidate", "CandidateGenerator", "FaissKnnCandidates"]
