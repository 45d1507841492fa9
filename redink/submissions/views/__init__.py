"""Pages for contributors (uploads, check my essay), rights holders (report) and moderators."""
