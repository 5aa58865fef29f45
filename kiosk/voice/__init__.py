"""Voice guidance (语音播报): spoken prompts for customers who cannot read the screen well.

Qt-free. ``prompts`` names every prompt once (prompt -> i18n keys, so the spoken words are the
catalogue's), ``library`` finds a prompt's audio file (an operator's recording first, then the
generated one), ``generate`` makes the missing ones with espeak-ng at setup, ``wav`` applies the
staff's volume to the samples and ``guide`` plays them on a worker thread of its own.
"""
