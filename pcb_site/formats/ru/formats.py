# A day in a list or a short answer: "26 ноября 2026", "3 декабря". Django's short month
# ("M") is capitalised in Russian ("26 Ноя 2026"), which is wrong after a day's number.
SHORT_DATE_FORMAT = "j E Y"
MONTH_DAY_FORMAT = "j E"
