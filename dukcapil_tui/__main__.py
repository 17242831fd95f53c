from dukcapil_tui.cli import main

main()
