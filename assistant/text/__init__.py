"""Reading text: words, languages, sentences, numbers, what a question asks, orders hidden in documents."""
