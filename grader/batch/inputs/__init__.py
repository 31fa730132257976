"""What a batch grades, read into memory: folders and the `Submission` model (`submission`), zip
archives (`archive`), git repositories (`git`, `gitobjects`, `gitlayout`), each read in a bounded
child process (`bounded`)."""
