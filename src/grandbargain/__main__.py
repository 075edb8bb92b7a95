from grandbargain.cli import main

main()
