"""Demo data: a province, communes, three markets and their history, for trying the app."""
