"""Exploitation screening, National Referral Mechanism referrals and Child Abduction Warning
Notices on a person's record (domain.md section 5)."""
