"""Image files without the database: upload validation, agency metadata, renditions and where files live.

The bottom of the house beside the models: the Photo model asks it for its renditions' URLs, and the photo
services (articles/photos/) write through it.
"""
