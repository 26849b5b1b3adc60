"""Agency systems behind adapters: traffic prosecution (fines), civil registry, SMS, express mail.

Each adapter is a Protocol here with a simulator for the demo and tests; real adapters
plug in by configuration.
"""
