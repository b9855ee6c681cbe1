from sqlfirst.cli import main

main()
