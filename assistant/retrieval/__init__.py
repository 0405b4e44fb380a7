"""From a question to passages and to the sentences the model is shown."""
