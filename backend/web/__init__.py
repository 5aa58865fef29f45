"""The staff fleet page's HTML: templates, static files and the code that fills them."""
