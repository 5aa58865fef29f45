"""Identification: phone number, then ID card, service password and/or SMS code."""
