window.YTD.deleted_tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1780000000000000007"
          ],
          "editableUntil": "2024-05-01T09:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "34"
      ],
      "favorite_count": "3",
      "id_str": "1780000000000000007",
      "truncated": false,
      "retweet_count": "1",
      "id": "1780000000000000007",
      "created_at": "Thu Apr 18 07:15:00 +0000 2024",
      "favorited": false,
      "full_text": "Fel tid i förra inlägget, ursäkta!",
      "lang": "sv",
      "deleted_at": "Thu Apr 18 07:20:00 +0000 2024"
    }
  }
]
