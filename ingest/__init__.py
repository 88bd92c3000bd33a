"""Ingest: loaders, chunking, fact extraction and the indexer."""
