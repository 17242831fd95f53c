from dukcapil_tui.cli import main

if __name__ == "__main__":  # not when a second process of the import starts from here (spawn)
    main()
