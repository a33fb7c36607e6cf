"""Lotse partners' backend: pre-check tickets for IHK, HWK, Welcome Center and the Zentralstelle."""
