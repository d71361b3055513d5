from django.dispatch import Signal

# Sent once per reflection, after the transaction that revealed it commits.
# Receivers get `reflection`. Notifications will hang off this.
reflection_revealed = Signal()
