# A day in a list or a short answer: "26 Nov 2026", "3 Dec" (Django's English is the US
# "11/26/2026" and "November 26").
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j M"
