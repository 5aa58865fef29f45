"""Pure helpers shared by every layer except the backend: money, masking, ID numbers.

No I/O, no Qt, no third-party imports: everything here is a function of its arguments.
"""
