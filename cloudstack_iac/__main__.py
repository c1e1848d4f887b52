"""Allow `python -m cloudstack_iac`."""

from cloudstack_iac.cli import main

if __name__ == "__main__":
    main()
