window.YTD.tweets.part1 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1790000000000000001"
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
        "62"
      ],
      "favorite_count": "3",
      "id_str": "1790000000000000001",
      "truncated": false,
      "retweet_count": "1",
      "id": "1790000000000000001",
      "created_at": "Mon May 13 14:00:00 +0000 2024",
      "favorited": false,
      "full_text": "Välkommen till kommunfullmäktige i kväll kl. 18 – sänds live 📺",
      "lang": "sv",
      "extended_entities": {
        "media": [
          {
            "media_url_https": "https://pbs.twimg.com/media/Gfm_kf.jpg",
            "type": "photo",
            "id_str": "17900000000000000011"
          }
        ]
      }
    }
  }
]
