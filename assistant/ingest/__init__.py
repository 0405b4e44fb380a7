"""From files to an index: loading, describing, the corpus folder, the index and its vector store."""
