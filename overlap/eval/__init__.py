"""Evaluation against labelled data: attribution recall and PAN plagdet."""
