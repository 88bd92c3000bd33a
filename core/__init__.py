"""The shared lower layer: text, dates, patterns, records, the store and the embedder."""
